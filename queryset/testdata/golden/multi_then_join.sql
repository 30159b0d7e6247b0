SELECT "author"."id", "author"."name", "author"."email", "author"."mentor_id" FROM "author" WHERE EXISTS (SELECT 1 FROM "book" AS "U0" INNER JOIN "publisher" ON "publisher"."id" = "U0"."publisher_id" WHERE "U0"."author_id" = "author"."id" AND "publisher"."name" = $1)
-- args: ["P1"]
