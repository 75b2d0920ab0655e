import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDomainError } from '@marquee/platform-core';

/**
 * The 4xx status of an error from a library that follows the http-errors convention (`status` or `statusCode`, and
 * `expose: true` for a client error), such as `send` behind the Studio's static files: a Range outside the file (416)
 * or an If-Match / If-Unmodified-Since the file no longer meets (412). Null for anything else.
 */
function clientErrorStatus(e: unknown): number | null {
  if (!e || typeof e !== 'object') return null;
  const { status, statusCode, expose } = e as { status?: unknown; statusCode?: unknown; expose?: unknown };
  const s = typeof status === 'number' ? status : statusCode;
  return expose === true && typeof s === 'number' && s >= 400 && s <= 499 ? s : null;
}

function clientErrorMessage(status: number, res: Response, e: Error): string {
  if (status === 416) {
    const size = /^bytes \*\/(\d+)$/.exec(String(res.getHeader('content-range') ?? ''))?.[1];
    return `The Range header asks for bytes this file does not have${size ? ` (it is ${size} bytes long)` : ''}. Ask for a range inside the file, or leave Range out to get all of it.`;
  }
  if (status === 412) {
    return 'The file is not the version your If-Match or If-Unmodified-Since header names (it has changed since). Fetch it again without those headers.';
  }
  return `The request was refused (${status}: ${e.message}). Correct it and send it again.`;
}

/**
 * REST routes answer errors in the same shape as GraphQL ({errors: [{message, extensions: {code}}]}), so a client
 * handles one format. GraphQL errors are left to Apollo's formatError.
 *
 * An error answer is JSON and never cached, whatever the handler that failed had already set: the static files'
 * handler sets the file's content type, ETag and an hour's cache lifetime before it finds a Range it cannot serve.
 */
@Catch()
export class HttpErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() === 'graphql') return exception;
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { requestId?: string }>();
    const requestId = req.requestId;
    if (!res.headersSent) {
      for (const h of ['etag', 'last-modified', 'accept-ranges']) res.removeHeader(h);
      res.setHeader('cache-control', 'no-store');
      res.type('application/json');
    }
    if (isDomainError(exception)) {
      return res
        .status(exception.httpStatus)
        .json({ errors: [{ message: exception.message, extensions: { code: exception.code, ...exception.details, requestId } }] });
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      const message = status === 404 ? `Nothing at ${req.method} ${req.path}. GraphQL is at /graphql and the Studio at /studio.` : exception.message;
      return res.status(status).json({ errors: [{ message, extensions: { code: status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', requestId } }] });
    }
    const clientStatus = clientErrorStatus(exception);
    if (clientStatus !== null) {
      const message = clientErrorMessage(clientStatus, res, exception as Error);
      return res.status(clientStatus).json({ errors: [{ message, extensions: { code: 'BAD_REQUEST', requestId } }] });
    }
    this.logger.error(`Unhandled error on ${req.method} ${req.path} (request ${requestId}): ${(exception as Error)?.stack ?? String(exception)}`);
    return res.status(500).json({
      errors: [
        {
          message: `Something went wrong on our side. It was logged with request id ${requestId}; try again, and quote that id if it keeps happening.`,
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
        },
      ],
    });
  }
}
