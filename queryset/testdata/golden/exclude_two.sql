SELECT "book"."id", "book"."title", "book"."pages", "book"."rating", "book"."price", "book"."published", "book"."genre", "book"."author_id", "book"."publisher_id", "book"."translator_id" FROM "book" WHERE NOT ("book"."pages" = $1 AND ("book"."rating" = $2 AND "book"."rating" IS NOT NULL))
-- args: [100, 5]
