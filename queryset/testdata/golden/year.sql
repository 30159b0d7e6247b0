SELECT "book"."id", "book"."title", "book"."pages", "book"."rating", "book"."price", "book"."published", "book"."genre", "book"."author_id", "book"."publisher_id", "book"."translator_id" FROM "book" WHERE ("book"."published" >= make_timestamptz($1, 1, 1, 0, 0, 0) AND "book"."published" < make_timestamptz($2, 1, 1, 0, 0, 0))
-- args: [2005, 2006]
