#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app';

// `npx cdk synth -c stage=prod` — committed stages (cdk.json context.stages) take their settings from
// there; other stages from `-c` flags and defaults. See docs/deploy.md.
buildApp(new App());
