SELECT "book"."id", "book"."title", "book"."pages", "book"."rating", "book"."price", "book"."published", "book"."genre", "book"."author_id", "book"."publisher_id", "book"."translator_id" FROM "book" INNER JOIN "publisher" ON "publisher"."id" = "book"."publisher_id" INNER JOIN "country" ON "country"."id" = "publisher"."country_id" WHERE "country"."name" = $1
-- args: ["France"]
