SELECT "book"."id", "book"."title", "book"."pages", "book"."rating", "book"."price", "book"."published", "book"."genre", "book"."author_id", "book"."publisher_id", "book"."translator_id" FROM "book" WHERE "book"."published" BETWEEN $1 AND $2
-- args: [2005-06-01T00:00:00Z, 2010-01-01T00:00:00Z]
