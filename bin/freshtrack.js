#!/usr/bin/env node
'use strict';
// Tracing must patch http, express and pg before anything else loads them.
require('../dist/platform/tracing/bootstrap');
require('../dist/cli/main').main(process.argv.slice(2));
