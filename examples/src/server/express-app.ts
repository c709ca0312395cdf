import express from 'express';
import { anthropic } from '../lib/anthropic';

const app = express();
app.use(express.json());

// "Explain this note" button: the user waits for the explanation.
app.post('/api/explain', async (req, res) => {
  const msg = await anthropic.messages.create({
    model: 'claude-sonnet-4-5',
    max_tokens: 400,
    messages: [{ role: 'user', content: `Explain this note simply:\n${req.body.text}` }],
  });
  res.json({ text: msg.content });
});

app.listen(3000);
