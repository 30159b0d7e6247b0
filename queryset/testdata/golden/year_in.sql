SELECT "book"."id", "book"."title", "book"."pages", "book"."rating", "book"."price", "book"."published", "book"."genre", "book"."author_id", "book"."publisher_id", "book"."translator_id" FROM "book" WHERE EXTRACT(YEAR FROM "book"."published") = ANY($1)
-- args: [[]int64{2005, 2020}]
