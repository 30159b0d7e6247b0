SELECT "author"."id", "author"."name", "author"."email", "author"."mentor_id" FROM "author" WHERE EXISTS (SELECT 1 FROM "book" AS "U0" WHERE "U0"."author_id" = "author"."id")
-- args: []
