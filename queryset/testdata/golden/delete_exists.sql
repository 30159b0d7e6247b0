DELETE FROM "book" WHERE EXISTS (SELECT 1 FROM "review" AS "U0" WHERE "U0"."book_id" = "book"."id" AND "U0"."stars" = $1)
-- args: [1]
