-- sink.delivery-guarantee of a jdbc sink is one of three words.
CREATE TABLE alerts (id BIGINT, score INT) WITH (
    'connector' = 'jdbc',
    'url' = 'jdbc:sqlite:alerts.db',
    'table-name' = 'alerts',
    'sink.delivery-guarantee' = 'exactly_once'
);
