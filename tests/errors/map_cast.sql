-- A MAP casts to STRING and to another MAP, not to a scalar type.
SELECT CAST(MAP['a', 1] AS INT);
