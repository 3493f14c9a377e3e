SELECT "x", a，b, c # d FROM t;
