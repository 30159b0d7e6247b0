SELECT "author"."id", "author"."name", "author"."email", "author"."mentor_id" FROM "author" WHERE EXISTS (SELECT 1 FROM (SELECT 1) AS "U1" LEFT JOIN "book" AS "U0" ON "U0"."author_id" = "author"."id" WHERE "U0"."rating" IS NULL)
-- args: []
