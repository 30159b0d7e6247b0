SELECT "book"."id", "book"."title", "book"."pages", "book"."rating", "book"."price", "book"."published", "book"."genre", "book"."author_id", "book"."publisher_id", "book"."translator_id", "author"."id", "author"."name", "author"."email", "author"."mentor_id" FROM "book" INNER JOIN "author" ON "author"."id" = "book"."author_id" FOR UPDATE OF "book", "author"
-- args: []
