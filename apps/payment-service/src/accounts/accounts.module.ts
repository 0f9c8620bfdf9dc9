import { Module } from '@nestjs/common';
import { AccountsController } from './accounts.controller';
import { PaymentMessageHandlers } from './payment-message.handlers';

/** Accounts with a credit limit: HTTP opening and reading, and the charge / refund handlers. */
@Module({ controllers: [AccountsController], providers: [PaymentMessageHandlers] })
export class AccountsModule {}
