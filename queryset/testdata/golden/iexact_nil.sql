SELECT "author"."id", "author"."name", "author"."email", "author"."mentor_id" FROM "author" WHERE "author"."email" IS NULL
-- args: []
