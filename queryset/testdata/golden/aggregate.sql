SELECT SUM("book"."pages") AS "pages__sum", MAX("book"."published") AS "published__max" FROM "book" WHERE "book"."genre" = $1
-- args: ["novel"]
