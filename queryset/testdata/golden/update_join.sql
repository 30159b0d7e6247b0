UPDATE "book" SET "pages" = $1, "rating" = $2 WHERE "book"."id" IN (SELECT "book"."id" FROM "book" INNER JOIN "author" ON "author"."id" = "book"."author_id" WHERE "author"."name" = $3)
-- args: [1, <nil>, "Ann"]
