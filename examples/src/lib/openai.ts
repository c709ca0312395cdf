import OpenAI from 'openai';

// One client for the whole app; the key comes from OPENAI_API_KEY.
export const openai = new OpenAI();
