SELECT "author"."name" AS "author__name", COUNT("book"."id") AS "n", SUM("book"."pages") AS "pages__sum", AVG("book"."rating") AS "rating__avg" FROM "book" INNER JOIN "author" ON "author"."id" = "book"."author_id" GROUP BY "author"."name"
-- args: []
