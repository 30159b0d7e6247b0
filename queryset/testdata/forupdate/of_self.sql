SELECT "book"."id", "book"."title", "book"."pages", "book"."rating", "book"."price", "book"."published", "book"."genre", "book"."author_id", "book"."publisher_id", "book"."translator_id", "publisher"."id", "publisher"."name", "publisher"."country_id" FROM "book" LEFT JOIN "publisher" ON "publisher"."id" = "book"."publisher_id" FOR UPDATE OF "book"
-- args: []
