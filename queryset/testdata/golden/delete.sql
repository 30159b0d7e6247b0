DELETE FROM "book" WHERE "book"."rating" < $1
-- args: [2]
