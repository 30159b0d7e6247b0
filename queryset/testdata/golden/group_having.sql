SELECT "book"."genre" AS "genre", COUNT(*) AS "count" FROM "book" GROUP BY "book"."genre" HAVING COUNT(*) >= $1
-- args: [2]
