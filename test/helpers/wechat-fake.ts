/**
 * wechaty-puppet-mock set up as a small WeChat world: the bot's account, a colleague, a room with both.
 * Outgoing texts are recorded by wrapping the puppet's messageSendText.
 */
import { PuppetMock, mock } from 'wechaty-puppet-mock';

export interface SentText {
  conversationId: string;
  text: string;
  mentionIds: string[];
}

export function createWechatWorld() {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const sent: SentText[] = [];
  const original = puppet.messageSendText.bind(puppet);
  puppet.messageSendText = async (conversationId: string, text: string, mentionIdList?: string[]) => {
    sent.push({ conversationId, text, mentionIds: mentionIdList ?? [] });
    return (original as (c: string, t: string, m?: string[]) => ReturnType<typeof original>)(conversationId, text, mentionIdList);
  };
  const user = mocker.createContact({ name: '要点助手' });
  const colleague = mocker.createContact({ name: '李四' });
  const other = mocker.createContact({ name: '王五' });
  const room = mocker.createRoom({ topic: '政务公开工作群', memberIdList: [user.id, colleague.id, other.id] });
  return {
    mocker,
    puppet,
    sent,
    user,
    colleague,
    other,
    room,
    login: () => mocker.login(user),
  };
}
