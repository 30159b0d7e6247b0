SELECT "author"."id", "author"."name", "author"."email", "author"."mentor_id" FROM "author" WHERE EXISTS (SELECT 1 FROM (SELECT 1) AS "U3" LEFT JOIN "book" AS "U0" ON "U0"."author_id" = "author"."id" WHERE NOT (EXISTS (SELECT 1 FROM "book_tags" AS "U1" INNER JOIN "tag" AS "U2" ON "U2"."id" = "U1"."tag_id" WHERE "U1"."book_id" = "U0"."id")))
-- args: []
