SELECT "author"."name" AS "name", COUNT("book"."id") FILTER (WHERE "book"."genre" = $1) AS "novels" FROM "author" LEFT JOIN "book" ON "book"."author_id" = "author"."id" GROUP BY "author"."name"
-- args: ["novel"]
