INSERT INTO sink /*+ O?TIONS('x') */ SELECT 1;
INSERT INTO sink /*+ A  , B('x')   */ SELECT 1;
