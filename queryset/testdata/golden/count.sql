SELECT COUNT(*) FROM "book" WHERE "book"."genre" = $1
-- args: ["novel"]
