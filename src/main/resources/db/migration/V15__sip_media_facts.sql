-- Keys the caller pressed during the call (DTMF), on the call's timeline: "5@1520;9@2210"
-- (digit @ milliseconds after the answer), at most 200 per call.
ALTER TABLE calls ADD COLUMN dtmf VARCHAR(3000);
-- Packets a caller's transport lost before they reached the server (RTP sequence gaps on a SIP
-- leg): the recording holds silence there.
ALTER TABLE recordings ADD COLUMN lost_packets BIGINT DEFAULT 0 NOT NULL;
