SELECT "book"."id", "book"."title", "book"."pages", "book"."rating", "book"."price", "book"."published", "book"."genre", "book"."author_id", "book"."publisher_id", "book"."translator_id" FROM "book" WHERE NOT (EXISTS (SELECT 1 FROM "review" AS "U0" WHERE "U0"."book_id" = "book"."id" AND "U0"."body" = $1))
-- args: ["good"]
