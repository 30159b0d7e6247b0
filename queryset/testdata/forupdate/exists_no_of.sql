SELECT "book"."id", "book"."title", "book"."pages", "book"."rating", "book"."price", "book"."published", "book"."genre", "book"."author_id", "book"."publisher_id", "book"."translator_id" FROM "book" WHERE EXISTS (SELECT 1 FROM "review" AS "U0" WHERE "U0"."book_id" = "book"."id" AND "U0"."stars" = $1) FOR UPDATE
-- args: [5]
