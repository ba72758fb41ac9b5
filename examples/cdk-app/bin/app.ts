#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { ReportsStack } from '../lib/reports-stack';

const app = new App();
new ReportsStack(app, 'ReportsStaging', { readerAccount: '111122223333' });
new ReportsStack(app, 'ReportsProduction', { readerAccount: '444455556666' });
app.synth();
