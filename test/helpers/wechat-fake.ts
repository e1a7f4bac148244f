/**
 * wechaty-puppet-mock set up as a small WeChat world: the bot's account, a colleague, an admin, a room with them.
 * Outgoing texts and files are recorded by wrapping the puppet's send methods; room look-ups are counted (a private
 * answer must make none).
 */
import type { FileBoxInterface } from 'file-box';
import { PuppetMock, mock } from 'wechaty-puppet-mock';

export interface SentText {
  conversationId: string;
  text: string;
  mentionIds: string[];
}

export interface SentFile {
  conversationId: string;
  name: string;
  bytes: Buffer;
}

export function createWechatWorld() {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const sent: SentText[] = [];
  const files: SentFile[] = [];
  const roomLookups: string[] = [];
  const original = puppet.messageSendText.bind(puppet);
  puppet.messageSendText = async (conversationId: string, text: string, mentionIdList?: string[]) => {
    sent.push({ conversationId, text, mentionIds: mentionIdList ?? [] });
    return (original as (c: string, t: string, m?: string[]) => ReturnType<typeof original>)(conversationId, text, mentionIdList);
  };
  const sendFile = puppet.messageSendFile.bind(puppet);
  puppet.messageSendFile = async (conversationId: string, file: FileBoxInterface) => {
    files.push({ conversationId, name: file.name, bytes: await file.toBuffer() });
    return sendFile(conversationId, file as never);
  };
  const roomRaw = puppet.roomRawPayload.bind(puppet);
  puppet.roomRawPayload = async (id: string) => {
    roomLookups.push(id);
    return roomRaw(id);
  };
  const user = mocker.createContact({ name: '要点助手' });
  const colleague = mocker.createContact({ name: '李四' });
  const other = mocker.createContact({ name: '王五' });
  const admin = mocker.createContact({ name: '管理员老赵' });
  const room = mocker.createRoom({ topic: '政务公开工作群', ownerId: colleague.id, memberIdList: [user.id, colleague.id, other.id, admin.id] });
  return {
    mocker,
    puppet,
    sent,
    files,
    roomLookups,
    user,
    colleague,
    other,
    admin,
    room,
    login: () => mocker.login(user),
  };
}
