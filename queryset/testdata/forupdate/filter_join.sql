SELECT "book"."id", "book"."title", "book"."pages", "book"."rating", "book"."price", "book"."published", "book"."genre", "book"."author_id", "book"."publisher_id", "book"."translator_id" FROM "book" INNER JOIN "author" ON "author"."id" = "book"."author_id" WHERE "author"."name" = $1 FOR UPDATE OF "book"
-- args: ["Ann"]
