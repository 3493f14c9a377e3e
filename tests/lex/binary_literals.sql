SELECT X'0A1b', x'', X'', ex'01', x 'ab', X'zz', X'1'';
