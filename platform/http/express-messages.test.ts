import { IncomingMessage, ServerResponse, createServer } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import express from 'express';
import { expressMessageClasses } from './express-messages';

describe('expressMessageClasses', () => {
  test("requests and responses are born with express's prototypes, still node's messages", () => {
    const app = express();
    const { IncomingMessage: Request, ServerResponse: Response } = expressMessageClasses(app);
    const req = new Request(new Socket());
    const res = new Response(req);
    expect(Object.getPrototypeOf(req)).toBe(app.request);
    expect(Object.getPrototypeOf(res)).toBe(app.response);
    expect(req).toBeInstanceOf(IncomingMessage);
    expect(res).toBeInstanceOf(ServerResponse);
  });

  test('an express app served on them behaves as usual', async () => {
    const app = express();
    app.get('/x', (req, res) => {
      res.status(201).json({ proto: Object.getPrototypeOf(req) === app.request, header: req.get('x-probe'), query: req.query.q });
    });
    const server = createServer(expressMessageClasses(app), app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x?q=1`, { headers: { 'x-probe': 'yes' } });
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({ proto: true, header: 'yes', query: '1' });
    } finally {
      server.close();
    }
  });
});
