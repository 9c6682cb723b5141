#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app';

// `npx cdk synth -c stage=prod` — every setting comes from context; see docs/deploy.md.
buildApp(new App());
