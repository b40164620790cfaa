-- Reads behind a feed page, answered as ONE JSON string per call, so that a page of
-- 50 stories costs a few round trips and a few replies instead of ~150 commands and
-- ~700 reply elements for the client to parse. Read-only; keys are built from the
-- prefix like story_index.lua (standalone Redis).
--
-- ARGV[1] = mode, ARGV[2] = prefix, ARGV[3] = JSON list of article field names (the first
-- must be "id": an article without it is gone), then:
--   rows:    article ids -> per id, its field values ('' when unset), or null when it is gone
--   copies:  (article id, cluster id) pairs -> per pair, the field values of every other
--            member of the cluster, earliest published first (members that are gone are left out)

local mode, p = ARGV[1], ARGV[2]
local fields = cjson.decode(ARGV[3])

local function values(id)
  local v = redis.call('HMGET', p .. 'article:' .. id, unpack(fields))
  if not v[1] then return nil end
  for i = 1, #fields do
    if not v[i] then v[i] = '' end
  end
  return v
end

local out = {}
if mode == 'rows' then
  for i = 4, #ARGV do
    out[#out + 1] = values(ARGV[i]) or cjson.null
  end
elseif mode == 'copies' then
  for i = 4, #ARGV, 2 do
    local copies = {}
    for _, member in ipairs(redis.call('ZRANGE', p .. 'cluster:' .. ARGV[i + 1], 0, -1)) do
      if member ~= ARGV[i] then copies[#copies + 1] = values(member) end
    end
    out[#out + 1] = copies
  end
else
  return redis.error_reply('unknown mode ' .. tostring(mode))
end
return cjson.encode(out)
