SELECT "book"."id", "book"."title", "book"."pages", "book"."rating", "book"."price", "book"."published", "book"."genre", "book"."author_id", "book"."publisher_id", "book"."translator_id" FROM "book" WHERE NOT ("book"."pages" > ("book"."rating" * $1) AND "book"."rating" IS NOT NULL)
-- args: [10]
