SELECT "book"."id", "book"."title", "book"."pages", "book"."rating", "book"."price", "book"."published", "book"."genre", "book"."author_id", "book"."publisher_id", "book"."translator_id" FROM "book" INNER JOIN "author" ON "author"."id" = "book"."author_id" FOR NO KEY UPDATE OF "author"
-- args: []
