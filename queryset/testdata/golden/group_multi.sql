SELECT "tag"."name" AS "tags__name", COUNT("book"."id") AS "id__count" FROM "book" LEFT JOIN "book_tags" ON "book_tags"."book_id" = "book"."id" LEFT JOIN "tag" ON "tag"."id" = "book_tags"."tag_id" GROUP BY "tag"."name"
-- args: []
