-- The SQLite side of the seed 002 decision example: risk profiles and the
-- three blacklists.  Build with:  sqlite3 data/decision.db < data/decision_db.sql
DROP TABLE IF EXISTS user_risk_profiles;
DROP TABLE IF EXISTS merchant_risk_profiles;
DROP TABLE IF EXISTS blacklist_users;
DROP TABLE IF EXISTS blacklist_merchants;
DROP TABLE IF EXISTS blacklist_ips;
CREATE TABLE user_risk_profiles (
    user_id INTEGER PRIMARY KEY, risk_score INTEGER, risk_level TEXT,
    credit_rating TEXT, account_age_days INTEGER, avg_daily_amount TEXT,
    max_single_amount TEXT, suspicious_activity_count INTEGER,
    last_update_time TEXT);
INSERT INTO user_risk_profiles VALUES
 (1, 10, 'LOW',    'A', 900, '200.00',  '500.00', 0, '2024-02-01 00:00:00.000'),
 (2, 40, 'MEDIUM', 'B', 300, '100.00',  '300.00', 1, '2024-02-01 00:00:00.000'),
 (3, 65, 'HIGH',   'C',  20, '50.00',   '100.00', 4, '2024-02-01 00:00:00.000'),
 (4, 20, 'LOW',    'A', 700, '1000.00', '2000.00', 0, '2024-02-01 00:00:00.000');
CREATE TABLE merchant_risk_profiles (
    merchant_id INTEGER PRIMARY KEY, merchant_category TEXT, risk_level TEXT,
    fraud_rate TEXT, avg_transaction_amount TEXT, business_hours_start TEXT,
    business_hours_end TEXT);
INSERT INTO merchant_risk_profiles VALUES
 (100, 'grocery',     'LOW',  '0.0010', '40.00',  '08:00:00', '22:00:00'),
 (200, 'electronics', 'HIGH', '0.0300', '800.00', '09:00:00', '21:00:00'),
 (300, 'travel',      'LOW',  '0.0050', '600.00', '00:00:00', '23:59:59');
CREATE TABLE blacklist_users (user_id INTEGER, reason TEXT);
INSERT INTO blacklist_users VALUES (3, 'chargeback fraud');
CREATE TABLE blacklist_merchants (merchant_id INTEGER, reason TEXT);
INSERT INTO blacklist_merchants VALUES (200, 'card testing');
CREATE TABLE blacklist_ips (ip_address TEXT, reason TEXT);
INSERT INTO blacklist_ips VALUES ('203.0.113.66', 'botnet');
