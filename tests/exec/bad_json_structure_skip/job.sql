-- Malformed lines with 'json.ignore-parse-errors': truncated objects,
-- binary garbage, NUL bytes, nesting deeper than 1024 levels and text
-- after the object are skipped and counted.  Invalid UTF-8 in a STRING
-- value reads as NULL (counted); a lone surrogate escape reads as U+FFFD.
-- Blank and CRLF lines are fine, and the last line has no newline.
CREATE TABLE t (id INT, s STRING)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json',
      'json.ignore-parse-errors' = 'true');
SELECT * FROM t;
