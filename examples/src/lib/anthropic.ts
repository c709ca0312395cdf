import Anthropic from '@anthropic-ai/sdk';

export const anthropic = new Anthropic();

export const DIGEST_MODEL = 'claude-sonnet-4-0';
