SELECT "book"."id", "book"."title", "book"."pages", "book"."rating", "book"."price", "book"."published", "book"."genre", "book"."author_id", "book"."publisher_id", "book"."translator_id", "publisher"."id", "publisher"."name", "publisher"."country_id" FROM "book" INNER JOIN "publisher" ON "publisher"."id" = "book"."publisher_id" WHERE "publisher"."name" = $1
-- args: ["P1"]
