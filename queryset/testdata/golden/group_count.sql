SELECT "book"."genre" AS "genre", COUNT(*) AS "count" FROM "book" GROUP BY "book"."genre" ORDER BY "genre" ASC
-- args: []
