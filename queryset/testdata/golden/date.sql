SELECT "book"."id", "book"."title", "book"."pages", "book"."rating", "book"."price", "book"."published", "book"."genre", "book"."author_id", "book"."publisher_id", "book"."translator_id" FROM "book" WHERE ("book"."published")::date = $1
-- args: [2005-06-01T00:00:00Z]
