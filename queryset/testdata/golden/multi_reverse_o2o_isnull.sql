SELECT "author"."id", "author"."name", "author"."email", "author"."mentor_id" FROM "author" WHERE EXISTS (SELECT 1 FROM (SELECT 1) AS "U1" LEFT JOIN "author" AS "U0" ON "U0"."mentor_id" = "author"."id" LEFT JOIN "profile" ON "profile"."author_id" = "U0"."id" WHERE "profile"."id" IS NULL)
-- args: []
