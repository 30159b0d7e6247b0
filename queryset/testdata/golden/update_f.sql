UPDATE "book" SET "price" = ("book"."price" * $1) WHERE "book"."genre" = $2
-- args: [1.1, "novel"]
