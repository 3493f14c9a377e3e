-- args: -i tests/errors/tables.sql
CREATE FUNCTION risk_score AS 'com.example.RiskScore';
