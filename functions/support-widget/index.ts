import { wire } from './handler';

export const handler = wire(process.env);
