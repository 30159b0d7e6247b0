SELECT "book"."id", "book"."title", "book"."pages", "book"."rating", "book"."price", "book"."published", "book"."genre", "book"."author_id", "book"."publisher_id", "book"."translator_id" FROM "book" WHERE ("book"."pages" > $1 AND ("book"."genre" = $2 OR NOT ("book"."rating" < $3 AND "book"."rating" IS NOT NULL)))
-- args: [10, "novel", 3]
