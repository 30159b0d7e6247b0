SELECT "author"."id", "author"."name", "author"."email", "author"."mentor_id" FROM "author" WHERE EXISTS (SELECT 1 FROM "book" AS "U0" WHERE "U0"."author_id" = "author"."id" AND ("U0"."genre" = $1 AND EXISTS (SELECT 1 FROM "review" AS "U1" WHERE "U1"."book_id" = "U0"."id" AND "U1"."stars" = $2)))
-- args: ["novel", 1]
